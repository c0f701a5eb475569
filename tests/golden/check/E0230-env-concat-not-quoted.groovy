pipeline {
    agent any
    environment {
        FOO = 'a' + env.BAR
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
