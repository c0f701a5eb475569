pipeline {
    agent any
    stages {
        stage('a') {
            steps {
                echo ${env.BUILD_NUMBER}
            }
        }
    }
}
