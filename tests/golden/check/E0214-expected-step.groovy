pipeline {
    agent any
    stages {
        stage('a') {
            steps {
                def x = 1
            }
        }
    }
}
