pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                echo 'this string never ends
            }
        }
    }
}
